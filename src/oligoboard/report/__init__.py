"""All presentation of oligoboard answers: terminal (Rich), HTML (Jinja2), later PDF.

Domain packages build typed sections and the assessment service assembles the JSON contract; this package
only turns those into something people read. It never decides anything: it renders what the JSON says, so
the terminal report and `assess --json` cannot disagree. One palette (`report.palette`) colours every status.
"""
