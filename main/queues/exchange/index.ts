export { LABEL_FILE_FORMAT, LABEL_FILE_VERSION, LabelFileError, formatLabelFile, parseLabelFile, readLabelFile, writeLabelFile, type ExchangedLabel, type LabelFileHeader } from './label-file';
export { mergeLabels, type LabelSink, type MergeResult } from './merge-labels';
