# Admin for actions: being written.
