// The ink of a batch of flattened scenes [B, P], pixel by pixel: for each pixel, the scenes with a nonzero value there
// and those values (a compressed sparse column layout). AIR's scenes are mostly background (bench air records the share
// of nonzero values and times both forms), so the first layer's image term summed over the inked pixels alone costs a
// part of the dense product, and so does its weight gradient. Written by hand: TorchSharp's sparse tensors (COO through
// addmm) were slower than the dense product here in a one-off comparison, and none of them gives the weight gradient of
// a sparse input.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Attend.Runtime;
using static TorchSharp.torch;

namespace Attend.Air;

/// <summary>A batch's ink whatever its element type: the terms and weight gradients on tensors.</summary>
internal interface IInkedPixels
{
    /// <summary>Writes columns [first, first + H) of <paramref name="terms"/> [B, ·]: bias + x·weightT for weightT [P, H].</summary>
    void Terms(Tensor weightT, Tensor bias, Tensor terms, int first);

    /// <summary>Writes weightGradientT [P, H], the gradient of <see cref="Terms"/>' weightT, from columns [first, first + H)
    /// of the terms' gradient [B, ·].</summary>
    void WeightGradient(Tensor termsGradient, int first, Tensor weightGradientT);
}

internal sealed unsafe class InkedPixels<T> : IInkedPixels where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Pixel k's entries are Start[k] to Start[k + 1] − 1 (P + 1 values).</summary>
    readonly int[] start;
    readonly int[] scene;
    readonly T[] value;

    public int Scenes { get; }
    public int Pixels { get; }
    public int Count => scene.Length;

    InkedPixels(int scenes, int pixels, int[] start, int[] scene, T[] value)
    {
        Scenes = scenes;
        Pixels = pixels;
        this.start = start;
        this.scene = scene;
        this.value = value;
    }

    /// <summary>The ink of contiguous scenes [B, P] of element type T, or null when more than
    /// <paramref name="maxDensity"/> of the values are nonzero (then the dense product is the faster one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static InkedPixels<T>? Find(Tensor flatScenes, double maxDensity)
    {
        int b = (int)flatScenes.shape[0];
        int p = (int)flatScenes.shape[1];
        T* x = TensorData.Pointer<T>(flatScenes);
        var start = new int[p + 1];
        long count = 0;
        for (int i = 0; i < b; i++)
        {
            T* row = x + (long)i * p;
            for (int k = NextInk(row, 0, p); k < p; k = NextInk(row, k + 1, p))
            {
                start[k + 1]++;
                count++;
            }
        }
        if (count > maxDensity * b * p) return null;
        for (int k = 0; k < p; k++) start[k + 1] += start[k];
        var scene = new int[count];
        var value = new T[count];
        var next = (int[])start.Clone();
        // Scenes in increasing order within each pixel, so sums run in one fixed order (the same numbers every run).
        for (int i = 0; i < b; i++)
        {
            T* row = x + (long)i * p;
            for (int k = NextInk(row, 0, p); k < p; k = NextInk(row, k + 1, p))
            {
                int at = next[k]++;
                scene[at] = i;
                value[at] = row[k];
            }
        }
        return new InkedPixels<T>(b, p, start, scene, value);
    }

    /// <summary>The first index ≥ <paramref name="k"/> with a nonzero value, or n; whole vectors of background are skipped at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int NextInk(T* row, int k, int n)
    {
        int width = Vector256<T>.Count;
        while (k + width <= n && Vector256.EqualsAll(Vector256.Load(row + k), Vector256<T>.Zero)) k += width;
        while (k < n && row[k] == T.Zero) k++;
        return k;
    }

    public void Terms(Tensor weightT, Tensor bias, Tensor terms, int first) =>
        Terms(TensorData.Pointer<T>(weightT), TensorData.Pointer<T>(bias), (int)weightT.shape[1],
              TensorData.Pointer<T>(terms) + first, (int)terms.shape[1]);

    public void WeightGradient(Tensor termsGradient, int first, Tensor weightGradientT) =>
        WeightGradient(TensorData.Pointer<T>(termsGradient) + first, (int)termsGradient.shape[1], (int)weightGradientT.shape[1],
                       TensorData.Pointer<T>(weightGradientT));

    /// <summary>terms[i, ·] = bias + Σ_k x[i, k]·weightT[k, ·] for each scene i: weightT is [P, H] (the layer's weight
    /// transposed), terms rows are <paramref name="termStride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Terms(T* weightT, T* bias, int h, T* terms, int termStride)
    {
        for (int i = 0; i < Scenes; i++) new ReadOnlySpan<T>(bias, h).CopyTo(new Span<T>(terms + (long)i * termStride, h));
        for (int k = 0; k < Pixels; k++)
        {
            T* w = weightT + (long)k * h;
            for (int j = start[k]; j < start[k + 1]; j++) AddScaled(terms + (long)scene[j] * termStride, w, value[j], h);
        }
    }

    /// <summary>weightGradientT[k, ·] = Σ_i x[i, k]·gradient[i, ·] for every pixel k (zero where no scene has ink): the
    /// gradient of the terms' weightT, from the terms' gradient (rows <paramref name="gradientStride"/> apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void WeightGradient(T* gradient, int gradientStride, int h, T* weightGradientT)
    {
        for (int k = 0; k < Pixels; k++)
        {
            T* row = weightGradientT + (long)k * h;
            new Span<T>(row, h).Clear();
            for (int j = start[k]; j < start[k + 1]; j++) AddScaled(row, gradient + (long)scene[j] * gradientStride, value[j], h);
        }
    }

    /// <summary>y += a·x over n elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddScaled(T* y, T* x, T a, int n)
    {
        int i = 0;
        int width = Vector256<T>.Count;
        var av = Vector256.Create(a);
        for (; i + width <= n; i += width) (Vector256.Load(y + i) + av * Vector256.Load(x + i)).Store(y + i);
        for (; i < n; i++) y[i] += a * x[i];
    }
}
