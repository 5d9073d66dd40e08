//! zflash-generator
