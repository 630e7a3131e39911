import QMostCLI

await QMostCommand.start()
