// Shared source (runtime and analyzer): see TensorModel.cs.
using System;
using System.Collections.Generic;

namespace ShapeGen.WeightFiles;

/// <summary>
/// Matches a file written from Keras to the network's tensors. A tensor is found by, in order: its Keras name
/// (<c>conv2d/kernel</c>, also with TensorFlow's <c>:0</c> suffix), the Keras 3 <c>.weights.h5</c> path
/// (<c>layers/conv2d/vars/0</c>), or a unique name ending in <c>/conv2d/kernel</c> (a model-name prefix).
/// A file whose tensors are all <c>arr_0</c>, <c>arr_1</c>, ... (<c>np.savez(path, *model.get_weights())</c>) is
/// matched by position.
/// </summary>
internal static class KerasMatcher
{
    public static WeightPlan Match(IReadOnlyList<ExpectedTensor> expected, IReadOnlyList<FoundTensor> found)
    {
        var plan = new WeightPlan();
        var candidates = new List<FoundTensor>();
        foreach (var tensor in found)
        {
            if (!tensor.Ignorable) candidates.Add(tensor);
        }

        if (candidates.Count > 0 && IsPositional(candidates))
        {
            MatchByPosition(expected, candidates, plan);
            return plan;
        }

        var byName = new Dictionary<string, FoundTensor>(StringComparer.Ordinal);
        foreach (var tensor in candidates)
        {
            if (byName.ContainsKey(tensor.Name))
            {
                plan.Problems.Add(new WeightProblem(null, tensor.Name, $"the file holds two tensors named '{tensor.Name}'."));
                continue;
            }
            byName[tensor.Name] = tensor;
        }

        var used = new HashSet<FoundTensor>();
        var missing = new List<ExpectedTensor>();
        foreach (var tensor in expected)
        {
            var match = Find(tensor, byName, candidates, used);
            if (match == null)
            {
                missing.Add(tensor);
                continue;
            }
            used.Add(match);
            Check(tensor, match, plan);
        }

        var extra = new List<string>();
        foreach (var tensor in candidates)
        {
            if (!used.Contains(tensor)) extra.Add(tensor.Name);
        }

        foreach (var tensor in missing)
        {
            plan.Problems.Add(new WeightProblem(tensor.Layer, tensor.Name,
                $"{tensor.Name}: the file has no tensor '{tensor.Name}' (shape {WeightText.Shape(tensor.Shape)}){MissingHint(extra)}."));
        }
        if (extra.Count > 0)
        {
            string names = WeightText.Names(extra);
            plan.Problems.Add(new WeightProblem(null, extra[0], extra.Count == 1
                ? $"the file holds a tensor the network does not have: {names}."
                : $"the file holds {extra.Count} tensors the network does not have: {names}."));
        }
        return plan;
    }

    /// <summary>Checks dtype and shape and records the assignment or the problem.</summary>
    internal static void Check(ExpectedTensor tensor, FoundTensor match, WeightPlan plan)
    {
        if (!WeightDTypes.IsReadable(match.DType))
        {
            plan.Problems.Add(new WeightProblem(tensor.Layer, match.Name,
                $"{Describe(tensor, match)}: the file stores {match.DType}; ShapeGen reads {WeightDTypes.Accepted}."));
            return;
        }
        if (!WeightText.SameShape(tensor.Shape, match.Shape))
        {
            string pyTorch = LooksTransposed(tensor, match.Shape) ? " The values are laid out as PyTorch stores them: load the file with LoadPyTorch." : "";
            plan.Problems.Add(new WeightProblem(tensor.Layer, match.Name,
                ShapeHints.Mismatch(tensor, match.Name, match.Shape, match.Shape, null, null) + pyTorch));
            return;
        }
        plan.Assignments.Add(new TensorAssignment(tensor, match, null, null));
    }

    private static string Describe(ExpectedTensor tensor, FoundTensor match)
        => match.Name == tensor.Name ? tensor.Name : $"{tensor.Name} (file tensor '{match.Name}')";

    private static FoundTensor? Find(ExpectedTensor tensor, Dictionary<string, FoundTensor> byName, List<FoundTensor> all, HashSet<FoundTensor> used)
    {
        string name = tensor.Name;
        string storage = tensor.StoragePath + "/vars/" + tensor.VariableIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var key in new[]
                 {
                     name, name + ":0", storage,
                     // TF-Keras 2.13 wrote Sequential layers under this name; Keras 3 still reads it.
                     "_layer_checkpoint_dependencies" + storage.Substring("layers".Length),
                 })
        {
            if (byName.TryGetValue(key, out var exact) && !used.Contains(exact)) return exact;
        }

        // A model-name prefix: 'sequential/conv2d/kernel:0'.
        FoundTensor? suffixMatch = null;
        foreach (var candidate in all)
        {
            if (used.Contains(candidate)) continue;
            string n = StripIndex(candidate.Name);
            if (!n.EndsWith("/" + name, StringComparison.Ordinal)) continue;
            if (suffixMatch != null) return null; // ambiguous: report it missing rather than guess
            suffixMatch = candidate;
        }
        return suffixMatch;
    }

    private static string StripIndex(string name) => name.EndsWith(":0", StringComparison.Ordinal) ? name.Substring(0, name.Length - 2) : name;

    private static bool IsPositional(List<FoundTensor> found)
    {
        foreach (var tensor in found)
        {
            if (PositionOf(tensor.Name) < 0) return false;
        }
        return true;
    }

    /// <summary>N for <c>arr_N</c>, else -1.</summary>
    private static int PositionOf(string name)
    {
        if (!name.StartsWith("arr_", StringComparison.Ordinal) || name.Length == 4 || name.Length > 13) return -1;
        long n = 0;
        for (int i = 4; i < name.Length; i++)
        {
            if (name[i] < '0' || name[i] > '9') return -1;
            n = n * 10 + (name[i] - '0');
        }
        return n > int.MaxValue ? -1 : (int)n;
    }

    private static void MatchByPosition(IReadOnlyList<ExpectedTensor> expected, List<FoundTensor> found, WeightPlan plan)
    {
        var byPosition = new Dictionary<int, FoundTensor>();
        foreach (var tensor in found)
        {
            int position = PositionOf(tensor.Name);
            if (byPosition.ContainsKey(position))
            {
                plan.Problems.Add(new WeightProblem(null, tensor.Name, $"the file holds two tensors named '{tensor.Name}'."));
                continue;
            }
            byPosition[position] = tensor;
        }

        for (int i = 0; i < expected.Count; i++)
        {
            var tensor = expected[i];
            if (!byPosition.TryGetValue(i, out var match))
            {
                plan.Problems.Add(new WeightProblem(tensor.Layer, "arr_" + i,
                    $"{tensor.Name}: the file has no 'arr_{i}'; its arrays are taken in Keras get_weights() order, and the network has {expected.Count} (the file {found.Count})."));
                continue;
            }
            byPosition.Remove(i);
            Check(tensor, match, plan);
        }

        if (byPosition.Count > 0)
        {
            var extra = new List<string>();
            foreach (var tensor in found)
            {
                if (byPosition.ContainsValue(tensor)) extra.Add(tensor.Name);
            }
            plan.Problems.Add(new WeightProblem(null, extra[0],
                $"the file holds {found.Count} arrays in Keras get_weights() order but the network has {expected.Count} tensors; not used: {WeightText.Names(extra)}."));
        }
    }

    private static string MissingHint(List<string> extra)
    {
        if (extra.Count == 0) return "";
        int pyTorchLike = 0;
        foreach (var name in extra)
        {
            if (name.EndsWith(".weight", StringComparison.Ordinal) || name.EndsWith(".bias", StringComparison.Ordinal)) pyTorchLike++;
        }
        if (pyTorchLike * 2 >= extra.Count) return $"; the file's names ({WeightText.Names(extra, 4)}) look like a PyTorch state_dict: load it with LoadPyTorch";
        return $"; unmatched in the file: {WeightText.Names(extra, 4)}";
    }

    /// <summary>The same values with the axes in PyTorch's order ([out, in, k...] or [units, in])?</summary>
    private static bool LooksTransposed(ExpectedTensor tensor, long[] found)
    {
        var shape = tensor.Shape;
        if (found.Length != shape.Length || shape.Length < 2) return false;
        int rank = shape.Length;
        // Keras [k..., in, out] vs PyTorch [out, in, k...].
        if (found[0] != shape[rank - 1] || found[1] != shape[rank - 2]) return false;
        for (int i = 0; i < rank - 2; i++)
        {
            if (found[i + 2] != shape[i]) return false;
        }
        return !WeightText.SameShape(shape, found);
    }
}
