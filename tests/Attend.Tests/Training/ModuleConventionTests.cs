using System.Reflection;
using NnModule = TorchSharp.torch.nn.Module;

namespace Attend.Tests.Training;

/// <summary>One module convention in the library: TorchSharp's generic Module with forward (so
/// call(), hooks and PyTorch's idiom work), submodules in private fields, no PascalCase Forward.</summary>
public class ModuleConventionTests
{
    static readonly Type[] Modules = typeof(Attend.Air.AirModel).Assembly.GetTypes()
        .Where(t => typeof(NnModule).IsAssignableFrom(t) && !t.IsAbstract).ToArray();

    static bool IsGenericModule(Type t)
    {
        for (var b = t.BaseType; b != null; b = b.BaseType)
            if (b.IsGenericType && b.Namespace == "TorchSharp" && b.Name.StartsWith("Module`")) return true;
        return false;
    }

    [Fact]
    public void The_library_has_its_models_and_all_of_them_follow_one_convention()
    {
        Assert.True(Modules.Length >= 15, $"found only {Modules.Length} module classes");
        foreach (var t in Modules)
        {
            Assert.True(IsGenericModule(t), $"{t.Name} derives from the non-generic Module; use Module<…> with forward");
            Assert.NotNull(t.GetMethod("forward", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));
            Assert.Null(t.GetMethod("Forward", BindingFlags.Public | BindingFlags.Instance));
            var publicModuleFields = t.GetFields(BindingFlags.Public | BindingFlags.Instance)
                .Where(f => typeof(NnModule).IsAssignableFrom(f.FieldType)).Select(f => f.Name).ToList();
            Assert.True(publicModuleFields.Count == 0,
                        $"{t.Name} exposes submodule fields {string.Join(", ", publicModuleFields)}; keep them private");
        }
    }
}
