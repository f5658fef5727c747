"""Statistics exports: monthly statistics (xlsx, csv) and the 6-month and annual reports
(xlsx, PDF), from the CLI or as a background job started from the staff pages."""
