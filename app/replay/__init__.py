"""Staff forms sent twice (a double click, a browser's retry) change nothing the second time
and answer as the first did."""
