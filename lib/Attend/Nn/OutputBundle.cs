// Maps a model's bundle of output tensors to one Dispose: every public Tensor property of the
// derived class is disposed, so adding an output cannot leave it out of a hand-written list.
using System.Collections.Concurrent;
using System.Reflection;
using static TorchSharp.torch;

namespace Attend.Nn;

public abstract class OutputBundle : IDisposable
{
    static readonly ConcurrentDictionary<Type, PropertyInfo[]> TensorProperties = new();
    bool disposed;

    /// <summary>The public, instance, Tensor-typed properties with a getter and a backing value
    /// (computed properties such as AirInference.Counts are skipped: they own nothing).</summary>
    static PropertyInfo[] Owned(Type type) => TensorProperties.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.PropertyType == typeof(Tensor) && p.SetMethod is not null)
        .ToArray());

    /// <summary>The tensors this bundle owns, in declaration order.</summary>
    public IEnumerable<Tensor> Tensors() => Owned(GetType()).Select(p => (Tensor?)p.GetValue(this)).OfType<Tensor>();

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var t in Tensors()) t.Dispose();
        GC.SuppressFinalize(this);
    }
}
