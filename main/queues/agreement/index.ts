export { cohenKappa } from './cohen-kappa';
export { fleissKappa } from './fleiss-kappa';
export { krippendorffAlpha } from './krippendorff-alpha';
export { agreementReport, type AgreementReport, type Disagreement, type FinalLabel, type PairAgreement } from './agreement-report';
