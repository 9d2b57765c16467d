"""The assessment pages: the staff page that sends a questionnaire link and the client's questionnaire pages."""
