# Admin for news: being written.
