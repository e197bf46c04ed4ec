// Maps a session's cells to one thread of their own, so an interrupt can also stop managed waits
// (Thread.Sleep, Task.Wait, Monitor and event waits, Console.ReadLine in the kernel): cancelling
// a cell interrupts that thread, whose current or next blocking wait then throws
// ThreadInterruptedException. One long-lived thread per session (not one per cell) keeps the
// thread-local state that native libraries build up (libtorch's grad mode and per-thread caches)
// from cell to cell, as a notebook's user expects; an interrupt that arrives as a cell ends is
// taken before the next cell starts, so it cannot leak into it.
using System.Collections.Concurrent;

namespace Attend.Notebooks.Engine;

sealed class CellThread
{
    /// <summary>A recursive cell gets the stack a console program's main thread has (8 MB), not a
    /// pool thread's 1.5 MB.</summary>
    const int MainThreadStackSize = 8 * 1024 * 1024;

    readonly BlockingCollection<Action> work = new();

    public CellThread()
    {
        var thread = new Thread(Serve, MainThreadStackSize)
        {
            IsBackground = true,
            Name = "notebook cell",
        };
        thread.Start();
    }

    /// <summary>Runs <paramref name="run"/> on the session's thread, after any earlier cell, and
    /// completes with its result. While it runs, cancelling <paramref name="ct"/> interrupts the
    /// thread (asynchronous continuations of the cell run on the thread pool and stop through the
    /// token alone).</summary>
    public Task<T> Run<T>(Func<Task<T>> run, CancellationToken ct)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Add(() =>
        {
            var self = Thread.CurrentThread;
            CancellationTokenRegistration registration = default;
            try
            {
                registration = ct.Register(() => self.Interrupt());
                done.TrySetResult(run().GetAwaiter().GetResult());
            }
            catch (Exception e) { done.TrySetException(e); }
            finally
            {
                // An interrupt that arrived after the cell's last wait is still pending: take it
                // here, where it harms nothing, before the next cell.
                try { registration.Dispose(); } catch (ThreadInterruptedException) { }
                try { Thread.Sleep(0); } catch (ThreadInterruptedException) { }
            }
        });
        return done.Task;
    }

    void Serve()
    {
        foreach (var item in work.GetConsumingEnumerable()) item();
    }
}
