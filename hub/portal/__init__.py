"""The dashboard pages and GraphiQL the hub serves to browsers, with their own assets."""
