package findings

// CallerPartition is callerPartition, for the external tests.
var CallerPartition = callerPartition
