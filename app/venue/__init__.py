"""Room box: the app for one venue on a laptop (tracktwo room), with invitation cards."""
