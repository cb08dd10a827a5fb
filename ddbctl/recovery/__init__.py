"""Recovery: restore a table to a new one, copy items back, rehearse it, adopt it.

DynamoDB restores only into a new table and drops TTL, PITR, tags, deletion
protection and autoscaling on the way; these modules put back what the catalog
and the environment say, and check the result with ``ddbctl verify``'s checks.
"""
