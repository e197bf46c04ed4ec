// Maps one ZeroMQ socket to the one thread that owns it: the socket is created, bound,
// polled and disposed on that thread (NetMQ sockets are not thread-safe), and other threads
// hand it frames to send through a thread-safe queue.
using NetMQ;

namespace Attend.Notebooks.Kernel;

public sealed class SocketThread : IDisposable
{
    readonly NetMQQueue<List<byte[]>> outbox = new();
    readonly NetMQPoller poller;
    readonly Thread thread;
    readonly ManualResetEventSlim bound = new();
    Exception? bindError;

    /// <param name="create">Makes the socket (on the owning thread).</param>
    /// <param name="onReceive">Handles incoming frames (on the owning thread); may send with the socket it is given.</param>
    public SocketThread(string name, Func<NetMQSocket> create, string address, Action<NetMQSocket, List<byte[]>>? onReceive)
    {
        poller = new NetMQPoller { outbox };
        thread = new Thread(() =>
        {
            NetMQSocket socket;
            try
            {
                socket = create();
                socket.Options.Linger = TimeSpan.Zero;   // shutdown never waits on undelivered messages
                socket.Bind(address);
            }
            catch (Exception e) { bindError = new IOException($"{name}: cannot bind {address}: {e.Message}", e); bound.Set(); return; }
            using (socket)
            {
                outbox.ReceiveReady += (_, _) => { while (outbox.TryDequeue(out var frames, TimeSpan.Zero)) socket.SendMultipartBytes(frames); };
                if (onReceive != null)
                    socket.ReceiveReady += (_, e) =>
                    {
                        var frames = new List<byte[]>();
                        while (e.Socket.TryReceiveMultipartBytes(TimeSpan.Zero, ref frames))
                        {
                            onReceive(e.Socket, frames);
                            frames = new List<byte[]>();
                        }
                    };
                poller.Add(socket);
                bound.Set();
                poller.Run();
            }
        }) { IsBackground = true, Name = name };
        thread.Start();
        bound.Wait();
        if (bindError != null) throw bindError;
    }

    /// <summary>Queues frames for the owning thread to send (safe from any thread).</summary>
    public void Send(List<byte[]> frames) => outbox.Enqueue(frames);

    public void Dispose()
    {
        if (poller.IsRunning) poller.StopAsync();
        thread.Join(TimeSpan.FromSeconds(2));
        poller.Dispose();
        outbox.Dispose();
    }
}
