"""Stockroom: the inventory and orders service behind the shop front."""
