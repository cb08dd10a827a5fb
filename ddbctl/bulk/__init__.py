"""Loads that outgrow one machine: stage items in S3 and let DynamoDB's managed bulk put
(StartBulkPutItems) write them, or feed it a table export for a copy at scale."""
