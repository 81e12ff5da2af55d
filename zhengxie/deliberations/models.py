"""网络议政: a topic opened to invited members for a time window; posts, replies and the opinions staff select."""
