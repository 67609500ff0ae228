"""Output: plots (run and sweep), the HTML report and `explain`, drawn from stored tables only."""
