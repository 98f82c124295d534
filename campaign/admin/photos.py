# Admin for photos: being written.
