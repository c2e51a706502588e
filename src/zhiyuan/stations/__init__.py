"""Stations: service stations, public-place stations, service points and bases (阵地)."""
