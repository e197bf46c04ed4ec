using Attend.Training;

namespace Attend.Tests.Training;

public class EpochLoopTests
{
    static List<long[]> Orders(LoopOptions o, long count)
    {
        using var model = new ScaleModel();
        var orders = new List<long[]>();
        EpochLoop.Run(model, count, o, b => orders.Add(b.Indices.data<long>().ToArray()), t => t.Epoch);
        return orders;
    }

    [Fact]
    public void Every_sample_is_seen_once_per_epoch_in_batches_of_the_asked_size()
    {
        var orders = Orders(new LoopOptions(Epochs: 2, BatchSize: 4, Seed: 1), 10);
        Assert.Equal(new[] { 4, 4, 2, 4, 4, 2 }, orders.Select(o => o.Length));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), orders.Take(3).SelectMany(o => o).Order());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), orders.Skip(3).SelectMany(o => o).Order());
    }

    [Fact]
    public void Per_epoch_seeding_draws_the_permutation_of_seed_and_epoch_alone()
    {
        var full = Orders(new LoopOptions(Epochs: 3, BatchSize: 10, Seed: 7), 10);
        var resumed = Orders(new LoopOptions(Epochs: 3, BatchSize: 10, Seed: 7, StartEpoch: 3), 10);
        Assert.Equal(full[2], resumed[0]);
        using var g = new Generator(TrainingSeeds.ForEpoch(7, 2));
        Assert.Equal(randperm(10, generator: g).data<long>().ToArray(), full[1]);
        Assert.NotEqual(full[0], full[1]);
    }

    [Fact]
    public void Per_run_seeding_continues_one_stream_and_cannot_resume()
    {
        var orders = Orders(new LoopOptions(Epochs: 2, BatchSize: 10, Seed: 5, Seeding: Seeding.PerRun), 10);
        using var g = new Generator(TrainingSeeds.ForRun(5));
        Assert.Equal(randperm(10, generator: g).data<long>().ToArray(), orders[0]);
        Assert.Equal(randperm(10, generator: g).data<long>().ToArray(), orders[1]);
        Assert.Throws<ArgumentException>(() => Orders(new LoopOptions(2, 10, 5, StartEpoch: 2, Seeding: Seeding.PerRun), 10));
    }

    [Fact]
    public void Shuffle_noise_follows_the_permutation_and_device_noise_starts_afresh()
    {
        using var model = new ScaleModel();
        var drawn = new List<float>();
        void Draw(NoiseStream s) => EpochLoop.Run(model, 4, new LoopOptions(1, 4, 3, Noise: s),
            b => drawn.Add(rand(1, generator: b.Noise).item<float>()), t => t.Epoch);
        Draw(NoiseStream.Shuffle);
        Draw(NoiseStream.Device);
        using var g = new Generator(TrainingSeeds.ForEpoch(3, 1));
        float fresh = rand(1, generator: g).item<float>();
        using var g2 = new Generator(TrainingSeeds.ForEpoch(3, 1));
        randperm(4, generator: g2).Dispose();
        Assert.Equal(rand(1, generator: g2).item<float>(), drawn[0]);
        Assert.Equal(fresh, drawn[1]);
        Assert.NotEqual(drawn[0], drawn[1]);
    }

    [Fact]
    public void Epoch_means_are_weighted_by_batch_size_and_fractions_count_samples()
    {
        using var model = new ScaleModel();
        // 5 samples in batches of 2, 2, 1: batch means 1, 2, 4 → (2·1 + 2·2 + 1·4) / 5 = 2.
        var means = new[] { 1f, 2f, 4f };
        var result = EpochLoop.Run(model, 5, new LoopOptions(1, 2, 0), b =>
        {
            b.Record("loss", means[b.Number - 1]);
            b.Count("hits", b.Number == 3 ? 1 : 0);
        }, t => (Mean: t.Mean("loss"), Hits: t.Fraction("hits"), t.Seen));
        Assert.Equal(2.0, result[0].Mean, 12);
        Assert.Equal(0.2, result[0].Hits, 12);
        Assert.Equal(5, result[0].Seen);
        Assert.Throws<KeyNotFoundException>(() => EpochLoop.Run(model, 5, new LoopOptions(1, 2, 0), _ => { }, t => t.Mean("loss")));
    }

    [Fact]
    public void Cancellation_stops_between_batches()
    {
        using var model = new ScaleModel();
        using var cts = new CancellationTokenSource();
        int steps = 0;
        var o = new LoopOptions(Epochs: 3, BatchSize: 1, Seed: 0, Cancellation: cts.Token);
        Assert.Throws<OperationCanceledException>(() => EpochLoop.Run(model, 10, o, _ =>
        {
            if (++steps == 4) cts.Cancel();
        }, t => t.Epoch));
        Assert.Equal(4, steps);
    }

    [Fact]
    public void Temporaries_of_a_step_are_disposed_after_its_batch()
    {
        using var model = new ScaleModel();
        var made = new List<Tensor>();
        EpochLoop.Run(model, 6, new LoopOptions(1, 3, 0), b => made.Add(model.call(b.Select(arange(6).to_type(ScalarType.Float32)))), t => t.Epoch);
        Assert.Equal(2, made.Count);
        Assert.All(made, t => Assert.True(t.IsInvalid, "a step's tensor outlived its batch"));
    }

    [Fact]
    public void Training_mode_is_set_each_epoch_and_progress_sees_every_batch()
    {
        using var model = new ScaleModel();
        model.eval();
        var modes = new List<bool>();
        var batches = new List<(long, long)>();
        var records = new List<int>();
        EpochLoop.Run(model, 5, new LoopOptions(2, 2, 0, OnBatch: p => batches.Add((p.Batch, p.Batches))),
            _ => modes.Add(model.training), t => { model.eval(); return t.Epoch; }, records.Add);
        Assert.All(modes, Assert.True);
        Assert.Equal(new[] { (1L, 3L), (2L, 3L), (3L, 3L), (1L, 3L), (2L, 3L), (3L, 3L) }, batches);
        Assert.Equal(new[] { 1, 2 }, records);
    }

    [Fact]
    public void Bad_settings_are_rejected_with_what_is_wrong()
    {
        using var model = new ScaleModel();
        Assert.Contains("batch size",
                        Assert.Throws<ArgumentException>(() => EpochLoop.Run(model, 5, new LoopOptions(1, 0, 0), _ => { }, t => 0)).Message);
        Assert.Contains("epochs",
                        Assert.Throws<ArgumentException>(() => EpochLoop.Run(model, 5, new LoopOptions(0, 2, 0), _ => { }, t => 0)).Message);
        Assert.Contains("empty",
                        Assert.Throws<ArgumentException>(() => EpochLoop.Run(model, 0, new LoopOptions(1, 2, 0), _ => { }, t => 0)).Message);
    }

    [Fact]
    public void Eval_scope_restores_the_mode_even_after_an_exception()
    {
        using var model = new ScaleModel();
        void Fail()
        {
            using var mode = ModeScope.Eval(model);
            Assert.False(model.training);
            throw new InvalidOperationException();
        }
        Assert.Throws<InvalidOperationException>(Fail);
        Assert.True(model.training);
        model.eval();
        var seen = new List<(long, long)>();
        EvaluationBatches.Run(model, 5, 2, (s, n) =>
        {
            Assert.False(is_grad_enabled());
            seen.Add((s, n));
        });
        Assert.False(model.training);
        Assert.Equal(new[] { (0L, 2L), (2L, 2L), (4L, 1L) }, seen);
    }
}

public class CellCancellationTests
{
    [Fact]
    public void A_cancelled_notebook_cell_stops_the_loop_and_evaluation_and_outside_cells_nothing_does()
    {
        using var model = nn.Linear(1, 1);
        using var cell = new CancellationTokenSource();
        int steps = 0;
        try
        {
            AppContext.SetData(CellCancellation.AppContextKey, cell.Token);
            Assert.Throws<OperationCanceledException>(() => EpochLoop.Run(model, 10, new LoopOptions(1, 1, 0), _ =>
            {
                if (++steps == 3) cell.Cancel();
            }, t => t.Epoch));
            Assert.Equal(3, steps);
            Assert.Throws<OperationCanceledException>(() => EvaluationBatches.Run(model, 10, 2, (_, _) => { }));
        }
        finally { AppContext.SetData(CellCancellation.AppContextKey, null); }
        Assert.Equal(CancellationToken.None, CellCancellation.Current);
        Assert.Single(EpochLoop.Run(model, 3, new LoopOptions(1, 1, 0), _ => { }, t => t.Epoch));
    }
}
