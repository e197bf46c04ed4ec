// Maps IDX files (LeCun's MNIST format, raw or gzip-compressed) to typed arrays and back,
// validating magic, element type, dimensions and length.
using System.Buffers.Binary;
using System.IO.Compression;

namespace Attend.Data;

/// <summary>IDX element types (the third magic byte).</summary>
public enum IdxType : byte { UInt8 = 0x08, Int8 = 0x09, Int16 = 0x0B, Int32 = 0x0C, Float32 = 0x0D, Float64 = 0x0E }

/// <summary>An IDX array: its element type, dimensions and big-endian element bytes.</summary>
public sealed class IdxArray
{
    public IdxType Type { get; }
    public int[] Shape { get; }
    public byte[] Data { get; }
    public long Count => Shape.Aggregate(1L, (a, d) => a * d);

    public IdxArray(IdxType type, int[] shape, byte[] data)
    {
        if (shape.Length is < 1 or > 255) throw new ArgumentException($"IDX arrays have 1–255 dimensions, got {shape.Length}");
        if (shape.Any(d => d < 1)) throw new ArgumentException($"IDX dimensions must be positive, got [{string.Join(", ", shape)}]");
        long expected = shape.Aggregate(1L, (a, d) => a * d) * Idx.ElementSize(type);
        if (data.LongLength != expected) throw new ArgumentException($"IDX data has {data.LongLength} bytes, shape needs {expected}");
        Type = type; Shape = shape; Data = data;
    }

    /// <summary>Elements as floats (UInt8 scaled by <paramref name="uint8Scale"/>, e.g. 1/255).</summary>
    public float[] ToFloats(float uint8Scale = 1f)
    {
        int size = Idx.ElementSize(Type);
        var result = new float[Count];
        for (long i = 0; i < result.LongLength; i++)
        {
            var s = Data.AsSpan((int)(i * size), size);
            result[i] = Type switch
            {
                IdxType.UInt8 => s[0] * uint8Scale,
                IdxType.Int8 => (sbyte)s[0],
                IdxType.Int16 => BinaryPrimitives.ReadInt16BigEndian(s),
                IdxType.Int32 => BinaryPrimitives.ReadInt32BigEndian(s),
                IdxType.Float32 => BinaryPrimitives.ReadSingleBigEndian(s),
                _ => (float)BinaryPrimitives.ReadDoubleBigEndian(s),
            };
        }
        return result;
    }
}

public static class Idx
{
    public static int ElementSize(IdxType t) => t switch
    {
        IdxType.UInt8 or IdxType.Int8 => 1, IdxType.Int16 => 2, IdxType.Int32 or IdxType.Float32 => 4, IdxType.Float64 => 8,
        _ => throw new ArgumentException($"unknown IDX type 0x{(byte)t:X2}"),
    };

    /// <summary>Reads an IDX file, gzip-compressed or not (detected by content, not name).
    /// Any defect throws <see cref="InvalidDataException"/> naming the file.</summary>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file not found: {path}", path);
        return Parse(Decompress(File.ReadAllBytes(path), path), path);
    }

    /// <summary>Gunzips when the bytes start with the gzip magic; corrupt streams throw naming the file.</summary>
    public static byte[] Decompress(byte[] bytes, string name)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        try
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            return ms.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{name}: corrupt or truncated gzip stream ({e.Message})", e);
        }
    }

    /// <summary>Parses IDX bytes; <paramref name="name"/> is used in error messages.</summary>
    public static IdxArray Parse(byte[] b, string name)
    {
        if (b.Length < 4) throw new InvalidDataException($"{name}: too short for an IDX header ({b.Length} bytes)");
        if (b[0] != 0 || b[1] != 0)
            throw new InvalidDataException($"{name}: bad IDX magic {b[0]:X2} {b[1]:X2} {b[2]:X2} {b[3]:X2} (expected 00 00 <type> <dims>)");
        var type = (IdxType)b[2];
        if (!Enum.IsDefined(type)) throw new InvalidDataException($"{name}: unknown IDX element type 0x{b[2]:X2}");
        int ndim = b[3];
        if (ndim == 0) throw new InvalidDataException($"{name}: IDX header declares 0 dimensions");
        int header = 4 + 4 * ndim;
        if (b.Length < header) throw new InvalidDataException($"{name}: truncated IDX header ({b.Length} of {header} bytes)");
        var shape = new int[ndim];
        long count = 1;
        for (int i = 0; i < ndim; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(4 + 4 * i));
            if (d <= 0) throw new InvalidDataException($"{name}: IDX dimension {i} is {d}; dimensions must be positive");
            shape[i] = d; count *= d;
        }
        long expected = header + count * ElementSize(type);
        if (b.LongLength < expected)
            throw new InvalidDataException(
                $"{name}: truncated IDX data: shape [{string.Join(", ", shape)}] needs {expected} bytes, file has {b.LongLength}");
        if (b.LongLength > expected)
            throw new InvalidDataException(
                $"{name}: {b.LongLength - expected} unexpected trailing bytes after IDX data of shape [{string.Join(", ", shape)}]");
        return new IdxArray(type, shape, b.AsSpan(header).ToArray());
    }

    /// <summary>Serialises an array to IDX bytes (optionally gzip-compressed).</summary>
    public static byte[] Serialize(IdxArray a, bool gzip = false)
    {
        var ms = new MemoryStream();
        ms.Write(new byte[] { 0, 0, (byte)a.Type, (byte)a.Shape.Length });
        Span<byte> dim = stackalloc byte[4];
        foreach (int d in a.Shape) { BinaryPrimitives.WriteInt32BigEndian(dim, d); ms.Write(dim); }
        ms.Write(a.Data);
        if (!gzip) return ms.ToArray();
        var z = new MemoryStream();
        using (var gz = new GZipStream(z, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(ms.ToArray());
        return z.ToArray();
    }

    /// <summary>Writes an IDX file through a temporary file and a rename.</summary>
    public static void Write(string path, IdxArray a, bool gzip = false) => AtomicFile.WriteAllBytes(path, Serialize(a, gzip));
}
