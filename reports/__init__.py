"""The DPO's overview: the dashboard on the admin index, the register of every request and its
CSV/XLSX exports (issue 8). Read-only: nothing here writes a case. See docs/reports.md."""
