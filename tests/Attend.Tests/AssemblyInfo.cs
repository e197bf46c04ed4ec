// TorchSharp's default random generator (manual_seed, module initialisation) is process-wide:
// a test that seeds it and builds two models to compare must not have another test draw from
// it in between, so these tests run one by one.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
