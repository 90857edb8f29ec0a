"""Reading and comparing run and sweep outputs: loading, statistics, figures."""
