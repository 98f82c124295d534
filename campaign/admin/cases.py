# Admin for cases: being written.
