from ddbctl.cli import run

run()
