"""Machine doors onto the same services: the FHIR R4 facade and the API clients allowed to use it."""
