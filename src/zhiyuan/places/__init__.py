"""Places: the region tree district → subdistrict (街道) → community (社区) with populations."""
