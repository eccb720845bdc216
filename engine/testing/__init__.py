"""Tools for measuring StateCanvas against behaviour recorded on AWS."""
