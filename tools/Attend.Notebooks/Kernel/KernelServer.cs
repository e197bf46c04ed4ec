// Maps Jupyter's five channels to the engine: shell requests run cells on one Roslyn
// session, control (its own thread) answers interrupt and shutdown while a cell runs,
// IOPub carries status and outputs, stdin serves Console.ReadLine, heartbeat echoes.
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;
using NetMQ;
using NetMQ.Sockets;

namespace Attend.Notebooks.Kernel;

public sealed partial class KernelServer : IDisposable
{
    readonly ConnectionFile connection;
    readonly MessageSigner signer;
    readonly string session = Guid.NewGuid().ToString("N");
    readonly TextWriter log;
    readonly ExecutionSession engine;
    readonly CodeIntelligence intelligence;
    readonly History history = new();
    readonly ManualResetEventSlim stopRequested = new();
    readonly List<SocketThread> channels = new();
    SocketThread iopub = null!;
    SocketThread stdin = null!;
    volatile CancellationTokenSource? runningCell;
    volatile IopubSink? runningSink;
    int executionCount;

    public KernelServer(ConnectionFile connection, TextWriter log)
    {
        this.connection = connection;
        this.log = log;
        signer = new MessageSigner(connection.Key);
        if (!signer.Enabled) log.WriteLine("warning: the connection file has no key; messages are not authenticated");
        engine = new ExecutionSession(null, m => log.WriteLine(m));
        intelligence = new CodeIntelligence(engine);
    }

    /// <summary>Binds every channel and serves until a shutdown_request. A restart is the front end's
    /// work (it starts a new kernel process), so this process ends either way.</summary>
    public void Run()
    {
        iopub = Open("iopub", () => new PublisherSocket(), connection.IopubPort, null);
        stdin = Open("stdin", () => new RouterSocket(), connection.StdinPort, (_, frames) => OnStdin(frames));
        Open("heartbeat", () => new ResponseSocket(), connection.HbPort, (s, frames) => s.SendMultipartBytes(frames));
        Open("control", () => new RouterSocket(), connection.ControlPort, (s, frames) => OnRequest(s, frames, "control"));
        Open("shell", () => new RouterSocket(), connection.ShellPort, (s, frames) => OnRequest(s, frames, "shell"));
        Console.SetIn(new StdinReader(this));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; Interrupt("SIGINT"); });
        Publish("status", new JsonObject { ["execution_state"] = "starting" }, null);
        // The first cell would otherwise pay for loading and JIT-compiling Roslyn (started already
        // by Program when the process is a kernel).
        ExecutionSession.StartWarmUp().ContinueWith(t => log.WriteLine(t.Exception is { } e
            ? $"warm-up failed (the first cell will be slower): {e.InnerException?.Message}"
            : $"compiler warm {SinceStart():F2} s after the process started"), TaskScheduler.Default);
        log.WriteLine($"kernel ready {SinceStart():F2} s after the process started: shell {connection.Address(connection.ShellPort)}, "
                      + $"protocol {KernelMessage.ProtocolVersion}");
        stopRequested.Wait();
    }

    static double SinceStart() => (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalSeconds;

    SocketThread Open(string name, Func<NetMQSocket> create, int port, Action<NetMQSocket, List<byte[]>>? onReceive)
    {
        var t = new SocketThread(name, create, connection.Address(port), onReceive);
        channels.Add(t);
        return t;
    }

    /// <summary>Parses and authenticates; a message that fails is logged and dropped, never handled.</summary>
    KernelMessage? Receive(List<byte[]> frames, string channel)
    {
        try { return KernelMessage.FromFrames(frames, signer); }
        catch (KernelMessageException e)
        {
            log.WriteLine($"dropped a message on {channel}: {e.Message}");
            return null;
        }
    }

    void OnRequest(NetMQSocket socket, List<byte[]> frames, string channel)
    {
        if (Receive(frames, channel) is { } request) Serve(socket, request, channel, Handle);
    }

    /// <summary>Every request is answered between a busy and an idle status on IOPub.</summary>
    void Serve(NetMQSocket socket, KernelMessage request, string channel, Action<NetMQSocket, KernelMessage, string> handle)
    {
        Publish("status", new JsonObject { ["execution_state"] = "busy" }, request);
        try { handle(socket, request, channel); }
        catch (Exception e) { log.WriteLine($"{request.MsgType} failed: {e}"); }
        finally { Publish("status", new JsonObject { ["execution_state"] = "idle" }, request); }
    }

    void Handle(NetMQSocket socket, KernelMessage request, string channel)
    {
        void Reply(JsonObject content) => socket.SendMultipartBytes(
            KernelMessage.Create(request.MsgType.Replace("_request", "_reply"), content, request, session).ToFrames(signer));
        switch (request.MsgType)
        {
            case "kernel_info_request": Reply(KernelInfo()); break;
            case "execute_request" when channel == "shell": Execute(socket, request); break;
            case "is_complete_request": Reply(IsComplete(request.Content)); break;
            case "complete_request": Reply(Complete(request.Content)); break;
            case "inspect_request": Reply(Inspect(request.Content)); break;
            case "history_request": Reply(new JsonObject { ["status"] = "ok", ["history"] = history.Answer(request.Content) }); break;
            case "comm_info_request": Reply(new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() }); break;
            case "interrupt_request": Interrupt("interrupt_request"); Reply(new JsonObject { ["status"] = "ok" }); break;
            case "shutdown_request":
                bool restart = request.Content["restart"]?.GetValue<bool>() ?? false;
                log.WriteLine(restart ? "shutdown for a restart: the front end starts a new kernel process" : "shutdown");
                Interrupt("shutdown_request");
                Reply(new JsonObject { ["status"] = "ok", ["restart"] = restart });
                stopRequested.Set();
                break;
            default: log.WriteLine($"ignored {request.MsgType} on {channel}"); break;
        }
    }

    void Interrupt(string why)
    {
        var cell = runningCell;
        if (cell == null) { log.WriteLine($"{why} while idle: nothing to interrupt"); return; }
        log.WriteLine($"interrupting the running cell ({why})");
        try { cell.Cancel(); } catch (ObjectDisposedException) { }
        var sink = runningSink;
        _ = Task.Delay(UncooperativeGrace).ContinueWith(_ =>
        {
            if (runningCell != cell) return;
            log.WriteLine($"the cell is still running {UncooperativeGrace.TotalSeconds:F0} s after the interrupt");
            sink?.Stream("stderr", $"Interrupted, but the cell is still running after {UncooperativeGrace.TotalSeconds:F0} s: it is inside " +
                                   "a call that cannot be interrupted (native code, or a wait on another thread). It stops at its next " +
                                   "check; Kernel › Restart stops it now (and loses the session's variables).\n");
        }, TaskScheduler.Default);
    }

    /// <summary>How long an interrupted cell may take to stop before the kernel says it cannot.</summary>
    static readonly TimeSpan UncooperativeGrace = TimeSpan.FromSeconds(2);

    /// <summary>Publishes on IOPub (any thread); the topic is the message type, as ipykernel's.</summary>
    void Publish(string msgType, JsonObject content, KernelMessage? parent)
    {
        var message = KernelMessage.Create(msgType, content, parent, session,
            new[] { System.Text.Encoding.UTF8.GetBytes($"kernel.{session}.{msgType}") });
        iopub.Send(message.ToFrames(signer));
    }

    public void Dispose()
    {
        Console.SetIn(TextReader.Null);
        for (int i = channels.Count - 1; i >= 0; i--) channels[i].Dispose();
        NetMQConfig.Cleanup(block: false);
    }
}
