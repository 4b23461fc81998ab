package dynamo

// InProgressPK lets the tests read the in-progress index's partitions.
var InProgressPK = inProgressPK
