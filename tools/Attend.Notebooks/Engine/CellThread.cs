// Maps a cell's script run to a thread of its own, so an interrupt can also stop managed waits
// (Thread.Sleep, Task.Wait, Monitor and event waits, Console.ReadLine in the kernel): cancelling
// the cell interrupts that thread, whose current or next blocking wait then throws
// ThreadInterruptedException. The thread lives for one cell, so an interrupt that arrives as the
// cell ends cannot leak into later work.
namespace Attend.Notebooks.Engine;

static class CellThread
{
    /// <summary>Runs <paramref name="run"/> on a new thread and completes with its result. While it
    /// runs, cancelling <paramref name="ct"/> interrupts the thread (asynchronous continuations of
    /// the cell run on the thread pool and stop through the token alone).</summary>
    public static Task<T> Run<T>(Func<Task<T>> run, CancellationToken ct)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(Body, MainThreadStackSize)
        {
            IsBackground = true,
            Name = "notebook cell",
        };
        thread.Start();
        return done.Task;

        void Body()
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
                // here, where it harms nothing, before the thread ends.
                try { registration.Dispose(); } catch (ThreadInterruptedException) { }
                try { Thread.Sleep(0); } catch (ThreadInterruptedException) { }
            }
        }
    }

    /// <summary>A recursive cell gets the stack a console program's main thread has (8 MB), not a
    /// pool thread's 1.5 MB.</summary>
    const int MainThreadStackSize = 8 * 1024 * 1024;
}
