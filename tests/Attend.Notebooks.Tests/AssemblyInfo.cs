// Console routing, the working directory and the interrupt token are process-wide: one cell
// runs at a time per process (as in the runner and a kernel), so these tests run one by one.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
