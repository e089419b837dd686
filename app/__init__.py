"""Tracktwo: confidential problem-solving workshops for Track Two diplomacy."""
