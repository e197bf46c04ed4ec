// Maps feature maps and boxes (regions of interest) to fixed-size feature grids:
// RoI max pooling (bins rounded to whole pixels) and RoIAlign (bilinear samples).
using static TorchSharp.torch;

namespace Attend.Spatial;

public static class RoiPooling
{
    /// <summary>
    /// RoI max pooling (Fast R-CNN; torchvision.ops.roi_pool semantics). features [B, C, H, W];
    /// boxes [K, 5] = (batch index, x1, y1, x2, y2) in input pixels, scaled by
    /// <paramref name="spatialScale"/> and rounded; each box is split into outH × outW bins whose
    /// edges are rounded outward (floor/ceil), and each bin takes its maximum (0 when empty).
    /// Returns [K, C, outH, outW].
    /// </summary>
    public static Tensor MaxPool(Tensor features, Tensor boxes, int outH, int outW, double spatialScale = 1.0)
    {
        var rois = ReadBoxes(features, boxes, outH, outW);
        long c = features.shape[1];
        long h = features.shape[2];
        long w = features.shape[3];
        using var _ = NewDisposeScope();
        var pooled = new List<Tensor>();
        foreach (var (bi, x1, y1, x2, y2) in rois)
        {
            long sx = (long)Math.Round(x1 * spatialScale);
            long sy = (long)Math.Round(y1 * spatialScale);
            long ex = (long)Math.Round(x2 * spatialScale);
            long ey = (long)Math.Round(y2 * spatialScale);
            double binW = Math.Max(ex - sx + 1, 1) / (double)outW;
            double binH = Math.Max(ey - sy + 1, 1) / (double)outH;
            var map = features[bi];
            var cells = new List<Tensor>();
            for (int ph = 0; ph < outH; ph++)
            for (int pw = 0; pw < outW; pw++)
            {
                long hs = Math.Clamp((long)Math.Floor(ph * binH) + sy, 0, h);
                long he = Math.Clamp((long)Math.Ceiling((ph + 1) * binH) + sy, 0, h);
                long ws = Math.Clamp((long)Math.Floor(pw * binW) + sx, 0, w);
                long we = Math.Clamp((long)Math.Ceiling((pw + 1) * binW) + sx, 0, w);
                cells.Add(he <= hs || we <= ws ? zeros(c, dtype: features.dtype, device: features.device)
                                               : map[.., (int)hs..(int)he, (int)ws..(int)we].amax(new long[] { 1, 2 }));
            }
            pooled.Add(stack(cells, 1).view(c, outH, outW));
        }
        return stack(pooled).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// RoIAlign (Mask R-CNN; torchvision.ops.roi_align semantics). Each of the outH × outW bins
    /// is sampled on a grid of samplingRatio² points (adaptive ⌈box/bins⌉ when ≤ 0), each by
    /// bilinear interpolation (<see cref="Bilinear.Sample"/>); samples are averaged, or maxed when
    /// <paramref name="max"/>. aligned=true shifts boxes by −0.5 pixel (pixel-centre model).
    /// Differentiable in the features and in the box coordinates. Returns [K, C, outH, outW].
    /// </summary>
    public static Tensor Align(Tensor features, Tensor boxes, int outH, int outW, double spatialScale = 1.0,
                               int samplingRatio = -1, bool aligned = false, bool max = false)
    {
        var rois = ReadBoxes(features, boxes, outH, outW);
        long c = features.shape[1];
        long h = features.shape[2];
        long w = features.shape[3];
        using var _ = NewDisposeScope();
        double offset = aligned ? 0.5 : 0.0;
        var scaled = boxes[.., 1..5].to_type(features.dtype) * spatialScale - offset;
        var pooled = new List<Tensor>();
        for (int k = 0; k < rois.Count; k++)
        {
            int bi = rois[k].Batch;
            var startX = scaled[k, 0];
            var startY = scaled[k, 1];
            var roiW = scaled[k, 2] - startX;
            var roiH = scaled[k, 3] - startY;
            if (!aligned) { roiW = roiW.clamp_min(1.0); roiH = roiH.clamp_min(1.0); }
            double rw = roiW.to_type(ScalarType.Float64).item<double>();
            double rh = roiH.to_type(ScalarType.Float64).item<double>();
            int gw = samplingRatio > 0 ? samplingRatio : Math.Max(1, (int)Math.Ceiling(rw / outW));
            int gh = samplingRatio > 0 ? samplingRatio : Math.Max(1, (int)Math.Ceiling(rh / outH));
            // Sample offsets in bins: (bin + (i + 0.5)/g) for every bin and sub-sample.
            var fx = ((arange(outW).unsqueeze(1) + (arange(gw) + 0.5).unsqueeze(0) / gw).flatten()).to(features.device).to_type(features.dtype);
            var fy = ((arange(outH).unsqueeze(1) + (arange(gh) + 0.5).unsqueeze(0) / gh).flatten()).to(features.device).to_type(features.dtype);
            var xs = startX + fx * (roiW / outW);                       // [outW*gw]
            var ys = startY + fy * (roiH / outH);                       // [outH*gh]
            var gx = xs.unsqueeze(0).expand(ys.shape[0], xs.shape[0]).flatten();
            var gy = ys.unsqueeze(1).expand(ys.shape[0], xs.shape[0]).flatten();
            // torchvision: samples beyond one pixel outside the map are 0; the rest clamp to the border.
            var valid = ((gy >= -1.0) & (gy <= h) & (gx >= -1.0) & (gx <= w)).to_type(features.dtype);
            var v = Bilinear.Sample(features[bi..(bi + 1)], gx.clamp(0, w - 1).unsqueeze(0), gy.clamp(0, h - 1).unsqueeze(0))[0] * valid;
            var bins = v.view(c, outH, gh, outW, gw);
            pooled.Add(max ? bins.amax(new long[] { 2, 4 }) : bins.mean(new long[] { 2, 4 }));
        }
        return stack(pooled).MoveToOuterDisposeScope();
    }

    static List<(int Batch, double X1, double Y1, double X2, double Y2)> ReadBoxes(Tensor features, Tensor boxes, int outH, int outW)
    {
        Shapes.Require(features, "features", -1, -1, -1, -1);
        Shapes.Require(boxes, "boxes (batch index, x1, y1, x2, y2)", -1, 5);
        if (outH < 1 || outW < 1) throw new ArgumentException($"output size must be positive, got {outH}×{outW}");
        if (boxes.shape[0] == 0) throw new ArgumentException("boxes: at least one box is needed");
        var data = boxes.detach().cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        var list = new List<(int, double, double, double, double)>();
        for (int k = 0; k < boxes.shape[0]; k++)
        {
            double bi = data[k * 5];
            if (bi < 0 || bi >= features.shape[0] || bi != Math.Floor(bi))
                throw new ArgumentException($"boxes[{k}]: batch index {bi} is not in 0..{features.shape[0] - 1}");
            list.Add(((int)bi, data[k * 5 + 1], data[k * 5 + 2], data[k * 5 + 3], data[k * 5 + 4]));
        }
        return list;
    }
}
