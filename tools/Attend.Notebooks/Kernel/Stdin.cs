// Maps Console.ReadLine in a running cell to an input_request on the stdin channel and the
// frontend's input_reply, when the execute_request allowed stdin.
using System.Text.Json.Nodes;

namespace Attend.Notebooks.Kernel;

public sealed partial class KernelServer
{
    volatile bool allowStdin;
    volatile KernelMessage? stdinParent;
    TaskCompletionSource<string>? pendingInput;

    string RequestInput(string prompt)
    {
        var parent = stdinParent;
        if (!allowStdin || parent == null) throw new InvalidOperationException("this frontend does not support input (allow_stdin is false)");
        var tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        pendingInput = tcs;
        var request = KernelMessage.Create("input_request", new JsonObject { ["prompt"] = prompt, ["password"] = false }, parent, session);
        stdin.Send(request.ToFrames(signer));
        var token = runningCell?.Token ?? CancellationToken.None;
        try { return tcs.Task.WaitAsync(token).GetAwaiter().GetResult(); }
        finally { pendingInput = null; }
    }

    void OnStdin(List<byte[]> frames)
    {
        if (Receive(frames, "stdin") is not { MsgType: "input_reply" } reply) return;
        pendingInput?.TrySetResult(reply.Content["value"]?.GetValue<string>() ?? "");
    }

    sealed class StdinReader(KernelServer kernel) : TextReader
    {
        public override string? ReadLine() => kernel.RequestInput("");
        public override int Read() => throw new NotSupportedException("read whole lines with Console.ReadLine() in a notebook");
    }
}
