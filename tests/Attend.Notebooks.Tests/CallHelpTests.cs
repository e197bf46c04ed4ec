// Shift+Tab inside a call: every overload with its summary and the parameter at the cursor marked.
using Attend.Notebooks.Engine;
using Attend.Notebooks.Kernel;

namespace Attend.Notebooks.Tests;

public class CallHelpTests
{
    [Fact]
    public void Right_after_the_open_parenthesis_all_overloads_are_described()
    {
        var ci = new CodeIntelligence(new ExecutionSession());
        var help = ci.Inspect("Math.Max(", 9)!;
        Assert.NotNull(help);
        Assert.Matches(@"^\d+ overloads of System\.Math\.Max$", help.Signature);
        string text = help.Documentation!;
        Assert.Contains("int System.Math.Max(«int val1», int val2)", text);
        Assert.Contains("double System.Math.Max(«double val1», double val2)", text);
        Assert.Contains("Returns the larger of two", text);
        Assert.Contains("val1: int — The first of two", text);
    }

    [Fact]
    public void After_a_comma_the_second_parameter_is_marked_and_the_chosen_overload_comes_first()
    {
        var ci = new CodeIntelligence(new ExecutionSession());
        string code = "Math.Max(1.5, 2.5)";
        var help = ci.Inspect(code, code.IndexOf(',') + 2)!;
        string first = help.Documentation!.Split("\n\n")[0];
        Assert.StartsWith("double System.Math.Max(double val1, «double val2»)", first);
        // Anywhere inside the arguments, even on a nested name, the call is described.
        Assert.StartsWith("double System.Math.Max(«double val1»", ci.Inspect(code, 10)!.Documentation!);
    }

    [Fact]
    public async Task Notebook_types_constructors_and_detail_level_one_show_their_source()
    {
        var session = new ExecutionSession();
        await session.ExecuteAsync("/// <summary>A square glimpse.</summary>\nrecord Glimpse(int Size, double Scale = 1);", new Recorder());
        var ci = new CodeIntelligence(session);
        string code = "new Glimpse(4, ";
        var help = ci.Inspect(code, code.Length)!;
        Assert.Contains("new Glimpse(int Size, «double Scale = 1»)", help.Documentation);
        Assert.DoesNotContain("Source:", help.Documentation);
        var detailed = ci.Inspect(code, code.Length, detailLevel: 1)!;
        Assert.Contains("Source:", detailed.Documentation);
        Assert.Contains("record Glimpse(int Size, double Scale = 1);", detailed.Documentation);
        // Outside any call the symbol itself is described, as before.
        Assert.Contains("Glimpse", ci.Inspect("Glimpse", 3)!.Signature);
    }
}
