"""Package data: HS 2022 nomenclature (public domain, UN Comtrade via datasets/harmonized-system) and the
curated UN/LOCODE port list (ours, coordinates from UN/LOCODE)."""
