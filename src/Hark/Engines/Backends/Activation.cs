namespace Hark.Engines.Backends;

/// <summary>Element-wise activation fused into an op's epilogue.</summary>
public enum Activation
{
    /// <summary>Identity.</summary>
    None,
    /// <summary>GELU, erf form: <c>0.5 x (1 + erf(x / sqrt 2))</c>.</summary>
    Gelu,
}
