/**
 * `torch.distributions`: probability distributions with PyTorch 1.13's members (`sample`,
 * `rsample`, `logProb`, `entropy`, moments, `cdf`/`icdf`, `expand`, argument validation) for
 * policy gradients, VAEs and Bayesian models. Sampling draws PyTorch's CPU random streams, so a
 * seeded program gets PyTorch's samples.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { Categorical } = torch.distributions;
 * torch.manualSeed(0);
 * const policy = new Categorical({ logits: torch.tensor([0.1, 0.2, 0.3]) });
 * const action = policy.sample();
 * const loss = policy.logProb(action).mul(-1.0); // -log π(a) · reward
 * assertEquals(loss.shape, []);
 * ```
 * @module
 */
export * from "./distribution.ts";
export * from "./normal.ts";
export * from "./uniform.ts";
export * from "./bernoulli.ts";
export * from "./categorical.ts";
export * from "./one_hot_categorical.ts";
export * from "./independent.ts";
export * from "./multivariate_normal.ts";
export * from "./exponential.ts";
export * from "./laplace.ts";
export * from "./cauchy.ts";
export * from "./geometric.ts";
export * from "./transformed_distribution.ts";
export * from "./log_normal.ts";
export * from "./half_normal.ts";
export * from "./gumbel.ts";
export * from "./pareto.ts";
export * from "./weibull.ts";
export * from "./constraint_registry.ts";
export * from "./relaxed.ts";
export * from "./one_hot_categorical_straight_through.ts";
export * from "./logistic_normal.ts";
export * from "./poisson.ts";
export * from "./continuous_bernoulli.ts";
export * from "./mixture_same_family.ts";
export * from "./binomial.ts";
export * from "./multinomial.ts";
export * from "./low_rank_multivariate_normal.ts";
export * as transforms from "./transforms.ts";
export * from "./gamma.ts";
export * from "./student_t.ts";
export * from "./dirichlet.ts";
export * from "./kl.ts";
export * as kl from "./kl.ts";
export * as constraints from "./constraints_index.ts";
export * from "./negative_binomial.ts";
export * from "./fisher_snedecor.ts";
export * from "./kumaraswamy.ts";
export * from "./von_mises.ts";
export * from "./lkj_cholesky.ts";
export * from "./wishart.ts";
