using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;
using Attend.Notebooks.Kernel;

namespace Attend.Notebooks.Tests;

public class KernelPartsTests
{
    [Fact]
    public void Signature_is_hmac_sha256_over_the_four_json_frames()
    {
        var signer = new MessageSigner("k3y");
        byte[][] frames = { "{\"a\":1}"u8.ToArray(), "{}"u8.ToArray(), "{}"u8.ToArray(), "{\"code\":\"1\"}"u8.ToArray() };
        using var h = new HMACSHA256(Encoding.UTF8.GetBytes("k3y"));
        string expected = Convert.ToHexStringLower(h.ComputeHash(frames.SelectMany(f => f).ToArray()));
        Assert.Equal(expected, signer.Sign(frames));
        Assert.True(signer.Verify(expected, frames));
        Assert.False(signer.Verify(expected[..^1] + (expected[^1] == '0' ? '1' : '0'), frames));
        Assert.False(signer.Verify("", frames));
    }

    [Fact]
    public void Messages_round_trip_through_frames_with_identities_and_buffers()
    {
        var signer = new MessageSigner("secret");
        var request = KernelMessage.Create("execute_request", new JsonObject { ["code"] = "1 + 1" }, null, "client-session",
            new[] { "router-id"u8.ToArray() });
        var frames = request.ToFrames(signer);
        frames.Add(new byte[] { 1, 2, 3 });
        var back = KernelMessage.FromFrames(frames, signer);
        Assert.Equal("execute_request", back.MsgType);
        Assert.Equal("1 + 1", back.Content["code"]!.GetValue<string>());
        Assert.Equal("router-id"u8.ToArray(), back.Identities.Single());
        Assert.Equal(new byte[] { 1, 2, 3 }, back.Buffers.Single());
        var reply = KernelMessage.Create("execute_reply", new JsonObject(), back, "kernel");
        Assert.Equal(request.MsgId, reply.ParentHeader["msg_id"]!.GetValue<string>());
        Assert.Equal("router-id"u8.ToArray(), reply.Identities.Single());
        Assert.Equal("5.3", reply.Header["version"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("wrong-key", "invalid signature")]
    [InlineData("", "unsigned message")]
    public void Forged_or_unsigned_messages_are_rejected(string forgerKey, string reason)
    {
        var forged = KernelMessage.Create("execute_request", new JsonObject { ["code"] = "File.Delete(\"x\")" }, null, "s")
            .ToFrames(new MessageSigner(forgerKey));
        var e = Assert.Throws<KernelMessageException>(() => KernelMessage.FromFrames(forged, new MessageSigner("real-key")));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void A_tampered_content_frame_fails_verification_and_malformed_frames_say_why()
    {
        var signer = new MessageSigner("k");
        var frames = KernelMessage.Create("execute_request", new JsonObject { ["code"] = "1" }, null, "s").ToFrames(signer);
        frames[^1] = "{\"code\":\"2\"}"u8.ToArray();
        Assert.Contains("invalid signature", Assert.Throws<KernelMessageException>(() => KernelMessage.FromFrames(frames, signer)).Message);
        Assert.Contains("delimiter",
                        Assert.Throws<KernelMessageException>(() => KernelMessage.FromFrames(new List<byte[]> { "x"u8.ToArray() }, signer)).Message);
        var noKey = new MessageSigner("");
        var bad = KernelMessage.Create("x", new JsonObject(), null, "s").ToFrames(noKey);
        bad[^1] = "not json"u8.ToArray();
        Assert.Contains("content is not valid JSON", Assert.Throws<KernelMessageException>(() => KernelMessage.FromFrames(bad, noKey)).Message);
    }

    [Fact]
    public void Connection_files_are_read_and_bad_ones_rejected_by_name()
    {
        var ok = ConnectionFile.Parse(JsonNode.Parse(
            """{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5""" +
            ""","ip":"127.0.0.1","key":"k","transport":"tcp","signature_scheme":"hmac-sha256"}""")!.AsObject());
        Assert.Equal("tcp://127.0.0.1:1", ok.Address(ok.ShellPort));
        Assert.Contains("hb_port", Assert.Throws<FormatException>(
            () => ConnectionFile.Parse(JsonNode.Parse("""{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4}""")!.AsObject())).Message);
        Assert.Contains("hmac-md5", Assert.Throws<FormatException>(
            () => ConnectionFile.Parse(JsonNode.Parse("""{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5""" +
                                                      ""","signature_scheme":"hmac-md5"}""")!.AsObject())).Message);
        using var d = new TempDir();
        string path = Path.Combine(d.Path, "c.json");
        File.WriteAllText(path, "{ not json");
        Assert.Contains("not valid JSON", Assert.Throws<FormatException>(() => ConnectionFile.Load(path)).Message);
    }

    [Theory]
    [InlineData("1 + 1", "complete")]
    [InlineData("var x = 1;", "complete")]
    [InlineData("for (int i = 0; i < 3; i++) {", "incomplete")]
    [InlineData("Console.WriteLine(", "incomplete")]
    [InlineData("int x = 1 2;", "invalid")]
    public void Is_complete_follows_roslyn(string code, string status)
    {
        var s = CodeIntelligence.IsComplete(code);
        Assert.Equal(status, s.Status);
        if (status == "incomplete") Assert.False(string.IsNullOrEmpty(s.Indent));
    }

    [Fact]
    public async Task Completion_and_inspection_see_earlier_cells()
    {
        var session = new ExecutionSession();
        await session.ExecuteAsync("var learningRate = 0.01; record Glimpse(int Size) { public int Area => Size * Size; }", new Recorder());
        var ci = new CodeIntelligence(session);
        var c = ci.Complete("learn", 5);
        Assert.Equal(new[] { "learningRate" }, c.Matches);
        Assert.Equal((0, 5), (c.CursorStart, c.CursorEnd));
        Assert.Contains("Area", ci.Complete("new Glimpse(4).Ar", 17).Matches);
        Assert.Contains("Abs", ci.Complete("Math.A", 6).Matches);
        var inspect = ci.Inspect("Math.Abs(1.5)", 6)!;
        Assert.True(inspect.Signature.Contains("Math.Abs(double"), inspect.Signature);
        Assert.True((inspect.Documentation ?? "").Contains("absolute value"), inspect.Documentation);
        Assert.Contains("double learningRate", ci.Inspect("learningRate", 3)!.Signature);
        Assert.Null(ci.Inspect("   ", 1));
    }

    [Fact]
    public void History_answers_tail_range_and_glob_search()
    {
        var h = new History();
        h.Add(1, "1 + 2 * 3", "7"); h.Add(2, "var x = 1;", null); h.Add(3, "1 + 2 * 3", "7");
        Assert.Equal(2, h.Answer(new JsonObject { ["hist_access_type"] = "tail", ["n"] = 2 }).Count);
        var range = h.Answer(new JsonObject { ["hist_access_type"] = "range", ["session"] = History.Session, ["start"] = 2, ["stop"] = 3 });
        Assert.Equal(2, range.Single()![1]!.GetValue<int>());
        Assert.Equal("var x = 1;", range.Single()![2]!.GetValue<string>());
        Assert.Equal(2, h.Answer(new JsonObject { ["hist_access_type"] = "search", ["pattern"] = "1 + 2*" }).Count);
        Assert.Single(h.Answer(new JsonObject { ["hist_access_type"] = "search", ["pattern"] = "1 + 2*", ["unique"] = true }));
        var withOutput = h.Answer(new JsonObject { ["hist_access_type"] = "tail", ["n"] = 1, ["output"] = true });
        Assert.Equal(3, withOutput.Single()![1]!.GetValue<int>());
        Assert.Equal(new[] { "1 + 2 * 3", "7" }, withOutput.Single()![2]!.AsArray().Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public void Kernelspec_installs_lists_and_removes_under_a_prefix()
    {
        using var d = new TempDir();
        string dir = KernelSpec.Install("attend-test", "C# test", d.Path);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "kernel.json")))!;
        var argv = spec["argv"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal("{connection_file}", argv[^1]);
        Assert.True(File.Exists(argv[1]), "argv names the engine's dll");
        Assert.Equal("message", spec["interrupt_mode"]!.GetValue<string>());
        Assert.Equal("C#", spec["language"]!.GetValue<string>());
        Assert.True(new FileInfo(Path.Combine(dir, "logo-64x64.png")).Length > 0);
        // Jupyter starts the kernel under the allocator settings for large tensors (glibc, Linux).
        Assert.Equal(OperatingSystem.IsLinux() ? "1" : null, spec["env"]?["MALLOC_ARENA_MAX"]?.GetValue<string>());
        // Jupyter serves this copy to the charts' HTML (PlotlyHtml); .ci/run installs it with npm.
        Assert.True(File.Exists(Path.Combine(dir, PlotlyHtml.ScriptName)) && new FileInfo(Path.Combine(dir, PlotlyHtml.ScriptName)).Length > 1_000_000,
                    "plotly.min.js is missing from the kernelspec: run `npm install --prefix tools/Attend.Notebooks/Plotly` and build again");
        string? saved = Environment.GetEnvironmentVariable("JUPYTER_PATH");
        Environment.SetEnvironmentVariable("JUPYTER_PATH", Path.Combine(d.Path, "share", "jupyter"));
        try { Assert.Contains(KernelSpec.List(), k => k.Name == "attend-test" && k.DisplayName == "C# test"); }
        finally { Environment.SetEnvironmentVariable("JUPYTER_PATH", saved); }
        KernelSpec.Remove("attend-test", d.Path);
        Assert.False(Directory.Exists(dir));
        Assert.Throws<DirectoryNotFoundException>(() => KernelSpec.Remove("attend-test", d.Path));
        Assert.Throws<ArgumentException>(() => KernelSpec.Install("bad name/..", "x", d.Path));
    }

    [Fact]
    public void The_ready_to_run_copy_is_published_from_the_engine_project_and_a_failed_publish_leaves_nothing()
    {
        Assert.Equal(Path.Combine(RunnerTests.FindRepo(), "tools", "Attend.Notebooks", "Attend.Notebooks.csproj"), ReadyToRunEngine.FindProject());
        Assert.Matches("^(linux|osx|win)-(x64|arm64|x86|arm)$", ReadyToRunEngine.RuntimeId());
        using var d = new TempDir();
        string missing = Path.Combine(d.Path, "missing.csproj");
        var e = Assert.Throws<InvalidOperationException>(() => ReadyToRunEngine.Publish(missing, Path.Combine(d.Path, "engine"), TimeSpan.FromMinutes(2)));
        Assert.Contains("dotnet publish of the engine failed", e.Message);
        Assert.False(Directory.Exists(Path.Combine(d.Path, "engine")));
    }

    [Fact]
    public void Cursor_positions_convert_between_code_points_and_utf16()
    {
        string s = "a😀b";   // the emoji is two UTF-16 units, one code point
        Assert.Equal(3, CodePoints.ToUtf16(s, 2));
        Assert.Equal(2, CodePoints.FromUtf16(s, 3));
        Assert.Equal(s.Length, CodePoints.ToUtf16(s, 99));
    }
}
