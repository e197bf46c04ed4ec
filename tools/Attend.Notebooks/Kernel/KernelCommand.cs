// Maps `kernel start|install|list|remove` on the command line to the kernel server and
// the kernelspec folders.
using System.CommandLine;

namespace Attend.Notebooks.Kernel;

public static class KernelCommand
{
    public static Command Create()
    {
        var kernel = new Command("kernel", "Jupyter kernel for C# notebooks: start it, or install, list and remove its kernelspec.");

        var connectionFile = new Argument<string>("connection-file")
        {
            Description = "the connection file Jupyter writes ({connection_file} in kernel.json)"
        };
        var start = new Command("start", "Serve Jupyter's protocol on the ports of a connection file (Jupyter runs this).") { connectionFile };
        start.Options.Add(new Option<bool>("-f") { Description = "accepted for compatibility: the connection file may follow -f", Hidden = true });
        start.SetAction(parse =>
        {
            var log = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
            ConnectionFile conn;
            try { conn = ConnectionFile.Load(parse.GetValue(connectionFile)!); }
            catch (Exception e) when (e is IOException or FormatException) { log.WriteLine($"error: {e.Message}"); return 2; }
            using var server = new KernelServer(conn, log);
            try { server.Run(); }
            catch (IOException e) { log.WriteLine($"error: {e.Message}"); return 1; }
            return 0;
        });

        var user = new Option<bool>("--user") { Description = "install for this user (the default)" };
        var prefix = new Option<string?>("--prefix") { Description = "install under PREFIX/share/jupyter/kernels (e.g. a virtual environment)" };
        var name = new Option<string>("--name") { Description = "kernelspec name", DefaultValueFactory = _ => KernelSpec.DefaultName };
        var display = new Option<string>("--display-name")
        {
            Description = "name shown in Jupyter's launcher",
            DefaultValueFactory = _ => KernelSpec.DefaultDisplayName
        };
        var jit = new Option<bool>("--no-ready-to-run")
        {
            Description = "run this engine build as it is instead of a ReadyToRun copy (quicker install, slower kernel start)"
        };
        var install = new Command("install", "Write the kernelspec (kernel.json, logos and a ReadyToRun copy of the engine) where Jupyter finds it.")
        {
            user, prefix, name, display, jit
        };
        install.SetAction(parse => Guard(() =>
        {
            if (parse.GetValue(user) && parse.GetValue(prefix) != null) throw new ArgumentException("--user and --prefix cannot be combined");
            string dir = KernelSpec.Install(parse.GetValue(name)!, parse.GetValue(display)!, parse.GetValue(prefix),
                readyToRun: !parse.GetValue(jit), progress: Console.WriteLine);
            Console.WriteLine($"installed kernelspec {parse.GetValue(name)} in {dir}");
        }));

        var list = new Command("list", "List the kernelspecs Jupyter can find.");
        list.SetAction(_ => Guard(() =>
        {
            foreach (var k in KernelSpec.List()) Console.WriteLine($"{k.Name,-24} {k.Directory}  ({k.DisplayName})");
        }));

        var removeUser = new Option<bool>("--user") { Description = "remove from this user's kernels (the default)" };
        var removePrefix = new Option<string?>("--prefix") { Description = "remove from PREFIX/share/jupyter/kernels" };
        var removeName = new Option<string>("--name") { Description = "kernelspec name", DefaultValueFactory = _ => KernelSpec.DefaultName };
        var remove = new Command("remove", "Delete an installed kernelspec.") { removeUser, removePrefix, removeName };
        remove.SetAction(parse => Guard(() =>
        {
            if (parse.GetValue(removeUser) && parse.GetValue(removePrefix) != null)
                throw new ArgumentException("--user and --prefix cannot be combined");
            string dir = KernelSpec.Remove(parse.GetValue(removeName)!, parse.GetValue(removePrefix));
            Console.WriteLine($"removed {dir}");
        }));

        kernel.Subcommands.Add(start);
        kernel.Subcommands.Add(install);
        kernel.Subcommands.Add(list);
        kernel.Subcommands.Add(remove);
        return kernel;
    }

    static int Guard(Action action)
    {
        try { action(); return 0; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
