"""zhiyuan (志愿): a district volunteer-service platform."""
