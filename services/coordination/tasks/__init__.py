"""The task sheets capability of coordination (instruments D.1, D.2): the
coordinator delegates, the technician carries out and reports back."""
