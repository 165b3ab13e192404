/** RUM (Chen et al., WSDM 2018): the item-level and feature-level variants, as registered. */
export { rumItemEntry } from './rum-item';
export { rumFeatureEntry } from './rum-feature';
