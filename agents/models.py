"""The park's agency layer (authorisations, agency cases, demands, ten-step track) arrives with issue 5."""
