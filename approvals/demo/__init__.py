"""Demo data for the portal: a realistic district catalog taken from the seed articles (see catalog_data)."""
