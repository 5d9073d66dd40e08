//! zflash-archive
